variable "namespace" {
  type = string
}

variable "service_account" {
  type = string
}

resource "azurerm_user_assigned_identity" "this" {
  name                = "id-${var.service_account}"
  location            = "westeurope"
  resource_group_name = "rg-workloads"
}

resource "azurerm_federated_identity_credential" "this" {
  name      = "fic-${var.service_account}"
  parent_id = azurerm_user_assigned_identity.this.id
  issuer    = "https://westeurope.oic.prod-aks.azure.com/4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f/7d8e9f0a-1b2c-4d3e-9f4a-5b6c7d8e9f0a/"
  subject   = "system:serviceaccount:${var.namespace}:${var.service_account}"
  audience  = ["api://AzureADTokenExchange"]
}
