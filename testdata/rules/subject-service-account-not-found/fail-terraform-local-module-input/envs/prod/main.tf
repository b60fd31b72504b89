resource "azurerm_kubernetes_cluster" "aks" {
  name                      = "aks-prod"
  location                  = "westeurope"
  resource_group_name       = "rg-prod"
  dns_prefix                = "prod"
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
}

module "orders" {
  source    = "../../modules/workload-identity"
  name      = "orders"
  namespace = "shop"
  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
}

module "billing" {
  source = "../../modules/workload-identity"
  name   = "billing"
  issuer = azurerm_kubernetes_cluster.aks.oidc_issuer_url
}

resource "kubernetes_service_account_v1" "billing" {
  metadata {
    name      = "billing"
    namespace = "shop"
    annotations = {
      "azure.workload.identity/client-id" = module.billing.client_id
    }
  }
}
