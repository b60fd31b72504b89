resource "azurerm_kubernetes_cluster" "aks" {
  name                      = "aks-orders"
  location                  = "westeurope"
  resource_group_name       = "rg-orders"
  dns_prefix                = "orders"
  oidc_issuer_enabled       = true
  workload_identity_enabled = false

  default_node_pool {
    name       = "system"
    node_count = 1
    vm_size    = "Standard_D2s_v5"
  }
}
