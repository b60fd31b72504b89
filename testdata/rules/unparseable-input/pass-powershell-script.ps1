# A syntax error outside the commands wiflint reads is left to PowerShell: the file is skipped, not broken.
$params = @{ Name = 'orders-api'; Issuer = 'https://example.com/'
New-AzFederatedIdentityCredentials @params
