resource "azurerm_user_assigned_identity" "deploy" {
  name                = "id-orders-deploy"
  location            = "westeurope"
  resource_group_name = "rg-orders-ci"
}

resource "azurerm_federated_identity_credential" "main" {
  name                = "github-main"
  resource_group_name = "rg-orders-ci"
  parent_id           = azurerm_user_assigned_identity.deploy.id
  issuer              = "https://token.actions.githubusercontent.com"
  subject             = "repo:contoso/orders:ref:refs/heads/main"
  audience            = ["api://AzureADTokenExchange"]
}

# The deploy job runs in the `production` environment: its tokens carry this subject.
resource "azurerm_federated_identity_credential" "production" {
  name                = "github-production"
  resource_group_name = "rg-orders-ci"
  parent_id           = azurerm_user_assigned_identity.deploy.id
  issuer              = "https://token.actions.githubusercontent.com"
  subject             = "repo:contoso/orders:environment:production"
  audience            = ["api://AzureADTokenExchange"]
}

resource "azurerm_federated_identity_credential" "pull_requests" {
  name                = "github-pull-requests"
  resource_group_name = "rg-orders-ci"
  parent_id           = azurerm_user_assigned_identity.deploy.id
  issuer              = "https://token.actions.githubusercontent.com"
  subject             = "repo:contoso/orders:pull_request"
  audience            = ["api://AzureADTokenExchange"]
}
