variable "team" {
  type    = string
  default = "Orders"
}

locals {
  subject = format("system:serviceaccount:%s:%s", lower(var.team), "api")
}

resource "azurerm_federated_identity_credential" "api" {
  name      = "fic-api"
  parent_id = azurerm_user_assigned_identity.api.id
  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject   = local.subject
  audience  = ["api://AzureADTokenExchange"]
}
