resource "azuread_application" "ci" {
  display_name = "billing-ci"
}

resource "azuread_application_federated_identity_credential" "pr" {
  application_id = azuread_application.ci.id
  display_name   = "github-pull-requests"
  audiences      = ["api://AzureADTokenExchange"]
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:contoso/billing:pull-request"
}
