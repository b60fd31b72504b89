variable "workload_identity" {
  type    = bool
  default = true
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                      = "aks-orders"
  location                  = "westeurope"
  resource_group_name       = "rg-orders"
  dns_prefix                = "orders"
  oidc_issuer_enabled       = true
  workload_identity_enabled = var.workload_identity
}
