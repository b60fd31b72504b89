// The shop platform: one AKS cluster, the payments identity and its federated credentials.
param location string = resourceGroup().location
param namespace string = 'shop'
param workloadIdentity bool = true

var services = [
  'payments'
  'refunds'
]

resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-shop-prod'
  location: location
  properties: {
    dnsPrefix: 'shop'
    oidcIssuerProfile: {
      enabled: true
    }
    securityProfile: {
      workloadIdentity: {
        enabled: workloadIdentity
      }
    }
  }
}

resource payments 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-payments'
  location: location
}

resource credentials 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [for service in services: {
  parent: payments
  name: 'fic-${service}'
  properties: {
    issuer: aks.properties.oidcIssuerProfile.issuerURL
    subject: 'system:serviceaccount:${namespace}:${service}'
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}]
