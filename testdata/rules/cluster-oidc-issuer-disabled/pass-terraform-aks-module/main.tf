module "aks" {
  source  = "Azure/aks/azurerm"
  version = "9.4.1"

  cluster_name              = "aks-payments"
  location                  = "westeurope"
  resource_group_name       = "rg-payments"
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
}

resource "azurerm_user_assigned_identity" "payments" {
  name                = "id-payments"
  location            = "westeurope"
  resource_group_name = "rg-payments"
}

resource "azurerm_federated_identity_credential" "payments" {
  name      = "fic-payments"
  parent_id = azurerm_user_assigned_identity.payments.id
  issuer    = module.aks.oidc_issuer_url
  subject   = "system:serviceaccount:payments:payments-api"
  audience  = ["api://AzureADTokenExchange"]
}
