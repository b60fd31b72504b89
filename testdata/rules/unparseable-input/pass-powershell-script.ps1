# Skipped with a reason: PowerShell is not read.
$params = @{ Name = 'orders-api'; Issuer = 'https://example.com/'
New-AzFederatedIdentityCredentials @params
