using './main.bicep'

param namespace = 'shop-prod'
