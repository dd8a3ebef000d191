namespace Crm.Domain.Tenants;

/// <summary>A small settings document kept in the tenant row (security, public pool), changed as a whole.</summary>
public interface ITenantSettings
{
    /// <summary>The fields out of range, with why (empty when the settings are valid).</summary>
    IDictionary<string, string[]> Problems();
}
