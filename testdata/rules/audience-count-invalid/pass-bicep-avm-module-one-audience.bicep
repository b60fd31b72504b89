param location string = 'westeurope'

module identity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.0' = {
  name: 'identity-orders'
  params: {
    name: 'id-orders'
    location: location
    federatedIdentityCredentials: [
      {
        name: 'orders-api'
        issuer: 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/11111111-1111-1111-1111-111111111111/'
        subject: 'system:serviceaccount:orders:orders-api'
        audiences: [
          'api://AzureADTokenExchange'
        ]
      }
    ]
  }
}
