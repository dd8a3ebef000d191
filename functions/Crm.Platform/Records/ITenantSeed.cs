using Crm.Storage.Records;

namespace Crm.Platform.Records;

/// <summary>
/// What a feature gives every new tenant (default dictionary items, the default pipeline), contributed by the
/// feature so that provisioning does not name it. Run after the tenant's administrator exists, in
/// registration order, and again by a provisioning that resumes: a seed must add only what is missing.
/// </summary>
public interface ITenantSeed
{
    Task SeedAsync(WriteContext context, CancellationToken cancellationToken);
}
