# The issuer is enabled, so its URL (known once the cluster exists) is the credential's issuer.
resource "azurerm_kubernetes_cluster" "aks" {
  name                      = "aks-orders"
  location                  = "westeurope"
  resource_group_name       = "rg-orders"
  dns_prefix                = "orders"
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
}

resource "azurerm_user_assigned_identity" "orders" {
  name                = "id-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
}

resource "azurerm_federated_identity_credential" "orders" {
  name      = "fic-orders"
  parent_id = azurerm_user_assigned_identity.orders.id
  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject   = "system:serviceaccount:orders:orders-api"
  audience  = ["api://AzureADTokenExchange"]
}
