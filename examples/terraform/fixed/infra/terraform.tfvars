environment = "prod"
namespace   = "shop-prod"
