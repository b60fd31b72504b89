using './identity.bicep'

param namespace = 'orders'
