var greeting = 'a literal with { braces } and ${'nested'} interpolation'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${greeting}'
  location: 'westeurope'
}
