# The namespace comes from the pipeline (no value in these files), but the known name is
# already one Kubernetes refuses: no namespace can make this subject match a token.
variable "namespace" {
  type = string
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
  subject   = "system:serviceaccount:${var.namespace}:Orders_API"
  audience  = ["api://AzureADTokenExchange"]
}
