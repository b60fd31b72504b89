# The namespace is given on the command line (`terraform plan -var namespace=Payments`), so only
# the plan beside this file has the subject: the finding is in the plan, and points back here.
variable "namespace" {
  type = string
}

resource "azurerm_user_assigned_identity" "payments" {
  name                = "id-payments"
  location            = "westeurope"
  resource_group_name = "rg-payments"
}

resource "azurerm_federated_identity_credential" "payments" {
  name      = "fic-payments"
  parent_id = azurerm_user_assigned_identity.payments.id
  issuer    = "https://westeurope.oic.prod-aks.azure.com/4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f/7d8e9f0a-1b2c-4d3e-9f4a-5b6c7d8e9f0a/"
  subject   = "system:serviceaccount:${var.namespace}:payments-api"
  audience  = ["api://AzureADTokenExchange"]
}
