var namespaces = [
  'team-1'
  'team-2'
  'team-3'
  'team-4'
  'team-5'
  'team-6'
  'team-7'
  'team-8'
  'team-9'
  'team-10'
  'team-11'
  'team-12'
  'team-13'
  'team-14'
  'team-15'
  'team-16'
  'team-17'
  'team-18'
  'team-19'
  'team-20'
  'team-21'
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-shared'
  location: 'westeurope'
}

resource credentials 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [for ns in namespaces: {
  parent: identity
  name: 'fic-${ns}'
  properties: {
    issuer: 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/11111111-1111-1111-1111-111111111111/'
    subject: 'repo:contoso/orders:environment:${ns}'
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}]
