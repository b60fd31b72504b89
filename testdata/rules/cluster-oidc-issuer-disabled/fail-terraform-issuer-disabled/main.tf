# The issuer is switched off explicitly while a credential trusts the cluster's tokens: the fix
# is the Terraform argument, not an `az aks update` that the next apply would undo.
resource "azurerm_kubernetes_cluster" "aks" {
  name                      = "aks-payments"
  location                  = "northeurope"
  resource_group_name       = "rg-payments"
  dns_prefix                = "payments"
  oidc_issuer_enabled       = false
  workload_identity_enabled = true
}

resource "azurerm_user_assigned_identity" "payments" {
  name                = "id-payments"
  location            = "northeurope"
  resource_group_name = "rg-payments"
}

resource "azurerm_federated_identity_credential" "payments" {
  name      = "fic-payments"
  parent_id = azurerm_user_assigned_identity.payments.id
  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject   = "system:serviceaccount:payments:payments-api"
  audience  = ["api://AzureADTokenExchange"]
}
