extension microsoftGraphV1

// The CI app trusts the pull requests the workflow logs in from.
resource ci 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: 'billing-ci'
  displayName: 'billing-ci'

  resource main 'federatedIdentityCredentials@v1.0' = {
    name: '${ci.uniqueName}/github-pull-requests'
    audiences: ['api://AzureADTokenExchange']
    issuer: 'https://token.actions.githubusercontent.com'
    subject: 'repo:contoso/billing:pull_request'
  }
}
