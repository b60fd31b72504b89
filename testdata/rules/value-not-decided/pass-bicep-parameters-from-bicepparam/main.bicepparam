using './identity.bicep'

param namespace = 'orders'
param issuer = 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/11111111-1111-1111-1111-111111111111/'
