// A Bicep suppression without a reason suppresses nothing.
resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-orders'
  location: 'westeurope'
}

resource fic 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: id
  name: 'fic-orders-api'
  properties: {
    issuer: 'https://westeurope.oic.prod-aks.azure.com/8f2c1d3e-5a6b-4c7d-9e0f-1a2b3c4d5e6f/0c4e9a7b-2d1f-4e58-8b3a-6f5d7c9e1a20/'
    // wiflint: ignore[subject-format-invalid]
    subject: 'system:serviceaccount:Orders:orders-api'
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}
