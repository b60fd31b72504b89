# The organisation is an input of the pipeline; whatever it is, the subject ends in the
# repository `orders-api` and then `:pull-request`, which GitHub spells `:pull_request`.
variable "github_org" {
  type = string
}

resource "azuread_application" "ci" {
  display_name = "ci-deploy"
}

resource "azuread_application_federated_identity_credential" "pr" {
  application_id = azuread_application.ci.id
  display_name   = "github-pull-requests"
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:${var.github_org}/orders-api:pull-request"
  audiences      = ["api://AzureADTokenExchange"]
}
