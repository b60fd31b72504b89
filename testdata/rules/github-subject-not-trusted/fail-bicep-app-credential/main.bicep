extension microsoftGraphV1

// The CI app trusts runs on main only; the workflow logs in from pull requests.
resource ci 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: 'billing-ci'
  displayName: 'billing-ci'

  resource main 'federatedIdentityCredentials@v1.0' = {
    name: '${ci.uniqueName}/github-main'
    audiences: ['api://AzureADTokenExchange']
    issuer: 'https://token.actions.githubusercontent.com'
    subject: 'repo:contoso/billing:ref:refs/heads/main'
  }
}
