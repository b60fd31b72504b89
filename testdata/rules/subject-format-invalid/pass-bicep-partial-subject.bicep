// The namespace is a deployment parameter and the known name is valid: a note, not an error.
param namespace string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-billing'
  location: resourceGroup().location
}

resource credential 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: identity
  name: 'billing-worker'
  properties: {
    issuer: 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/'
    subject: 'system:serviceaccount:${namespace}:billing-worker'
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}
