# The same credentials spelled right: the repository and the environment are not decided,
# which is a note, and the known parts are GitHub's.
variable "repository" {
  type = string
}

variable "environment" {
  type = string
}

resource "azuread_application" "ci" {
  display_name = "ci-deploy"
}

resource "azuread_application_federated_identity_credential" "pr" {
  application_id = azuread_application.ci.id
  display_name   = "github-pull-requests"
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:${var.repository}:pull_request"
  audiences      = ["api://AzureADTokenExchange"]
}

resource "azuread_application_federated_identity_credential" "deploy" {
  application_id = azuread_application.ci.id
  display_name   = "github-deploy"
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:contoso/orders:environment:${var.environment}"
  audiences      = ["api://AzureADTokenExchange"]
}

# Whatever `var.repository` holds comes right before `:pull-request` here: it may end in
# `:environment`, and an environment may be named `pull-request`. Not decided: a note.
resource "azuread_application_federated_identity_credential" "environment" {
  application_id = azuread_application.ci.id
  display_name   = "github-environment"
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:${var.repository}:pull-request"
  audiences      = ["api://AzureADTokenExchange"]
}
