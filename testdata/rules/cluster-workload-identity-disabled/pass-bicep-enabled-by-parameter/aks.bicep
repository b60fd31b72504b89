param workloadIdentity bool = true

// The production cluster of the orders team.
resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-orders'
  location: 'westeurope'
  properties: {
    dnsPrefix: 'orders'
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
