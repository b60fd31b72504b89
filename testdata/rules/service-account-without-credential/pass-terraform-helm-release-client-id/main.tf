resource "azurerm_user_assigned_identity" "a" {
  name                = "id-orders"
  location            = "westeurope"
  resource_group_name = "rg-shop"
}

resource "azurerm_user_assigned_identity" "b" {
  name                = "id-payments"
  location            = "westeurope"
  resource_group_name = "rg-shop"
}

resource "azurerm_federated_identity_credential" "b" {
  name      = "fic-orders"
  parent_id = azurerm_user_assigned_identity.b.id
  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject   = "system:serviceaccount:shop:orders"
  audience  = ["api://AzureADTokenExchange"]
}

resource "helm_release" "orders" {
  name       = "orders"
  namespace  = "shop"
  repository = "https://charts.example.com/shop"
  chart      = "orders"
  version    = "1.4.0"

  set {
    name  = "serviceAccount.name"
    value = "orders"
  }
  set {
    name  = "serviceAccount.annotations.azure\\.workload\\.identity/client-id"
    value = azurerm_user_assigned_identity.b.client_id
  }
  set {
    name  = "podLabels.azure\\.workload\\.identity/use"
    value = "true"
    type  = "string"
  }
}
