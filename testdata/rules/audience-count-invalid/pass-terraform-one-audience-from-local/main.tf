locals {
  audiences = ["api://AzureADTokenExchange"]
}

resource "azurerm_federated_identity_credential" "orders" {
  name      = "fic-orders"
  parent_id = azurerm_user_assigned_identity.orders.id
  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject   = "system:serviceaccount:orders:orders-api"
  audience  = local.audiences
}
