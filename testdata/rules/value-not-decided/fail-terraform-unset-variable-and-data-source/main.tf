variable "namespace" {
  type = string
}

module "identity" {
  source = "git::https://example.com/modules/identity.git?ref=v1.2.0"
}

resource "azurerm_federated_identity_credential" "api" {
  name      = "fic-api"
  parent_id = module.identity.id
  issuer    = data.azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject   = "system:serviceaccount:${var.namespace}:api"
  audience  = ["api://AzureADTokenExchange"]
}
