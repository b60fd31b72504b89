#!/bin/bash
az identity federated-credential create --name orders --identity-name id-orders --resource-group rg \
  --issuer "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/ \
  --subject system:serviceaccount:orders:api
