# oidc_issuer_enabled is not set: the provider's default is false.
resource "azurerm_kubernetes_cluster" "aks" {
  name                      = "aks-orders"
  location                  = "westeurope"
  resource_group_name       = "rg-orders"
  dns_prefix                = "orders"
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
