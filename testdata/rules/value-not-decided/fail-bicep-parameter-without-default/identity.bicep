param namespace string
param issuer string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-orders'
  location: resourceGroup().location
}

resource credential 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: identity
  name: 'orders-api'
  properties: {
    issuer: issuer
    subject: 'system:serviceaccount:${namespace}:orders-api'
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}
