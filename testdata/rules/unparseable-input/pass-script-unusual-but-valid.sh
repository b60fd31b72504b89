#!/bin/bash
# Only commands wiflint reads decide whether a script is broken.
case "$1" in
  start) echo "starting" ;;
  *) echo "usage: $0 start" >&2; exit 2 ;;
esac
az identity federated-credential create --name orders-api --identity-name id-orders --resource-group rg-orders \
  --issuer "https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/11111111-1111-1111-1111-111111111111/" \
  --subject system:serviceaccount:orders:orders-api
