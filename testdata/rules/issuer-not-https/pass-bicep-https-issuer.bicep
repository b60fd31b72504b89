resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-ci'
  location: 'westeurope'

  resource credential 'federatedIdentityCredentials' = {
    name: 'github-ci'
    properties: {
      issuer: 'https://token.actions.githubusercontent.com'
      subject: 'repo:contoso/orders:environment:prod'
      audiences: [
        'api://AzureADTokenExchange'
      ]
    }
  }
}
