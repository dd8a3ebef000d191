namespace Crm.Platform.Auth;

public static class CrmClaims
{
    public const string Subject = "sub";
    public const string Tenant = "tid";
    public const string Name = "name";
}
