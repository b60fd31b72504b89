# The subject's closing quote is missing, so PowerShell reads the rest of the file as the string.
az identity federated-credential create --name fic-api --identity-name id-api --resource-group rg-api `
  --issuer https://westeurope.oic.prod-aks.azure.com/8f2c1d3e-5a6b-4c7d-9e0f-1a2b3c4d5e6f/0c4e9a7b-2d1f-4e58-8b3a-6f5d7c9e1a20/ `
  --subject "system:serviceaccount:api:api
