variable "repository" {
  type    = string
  default = "contoso/orders"
}

resource "azuread_application_federated_identity_credential" "deploy" {
  application_object_id = azuread_application.ci.object_id
  display_name          = "github-production"
  audiences             = ["api://AzureADTokenExchange"]
  issuer                = "https://token.actions.githubusercontent.com"
  subject               = "repo:${var.repository}:environment:production"
}
