variable "repository" {
  type    = string
  default = "contoso/orders"
}

resource "azuread_application_flexible_federated_identity_credential" "branches" {
  application_id             = azuread_application_registration.ci.id
  display_name               = "github-release-branches"
  audience                   = "api://AzureADTokenExchange"
  issuer                     = "https://token.actions.githubusercontent.com"
  claims_matching_expression = "claims['sub'] matches 'repo:${var.repository}:ref:refs/heads/release/*'"
}
