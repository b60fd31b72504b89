# The issuer comes from the pipeline's environment.
az identity federated-credential create --name fic-api --identity-name id-api --resource-group rg-api `
  --issuer $env:AKS_OIDC_ISSUER `
  --subject system:serviceaccount:api:api
