# The repository is an input of the pipeline; whatever it is, GitHub's pull request subject
# ends in `:pull_request`, never `:pull-request`.
variable "repository" {
  type = string
}

resource "azuread_application" "ci" {
  display_name = "ci-deploy"
}

resource "azuread_application_federated_identity_credential" "pr" {
  application_id = azuread_application.ci.id
  display_name   = "github-pull-requests"
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:${var.repository}:pull-request"
  audiences      = ["api://AzureADTokenExchange"]
}
