using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Sales.Pipelines;

/// <summary>Every new tenant starts with the standard sales pipeline as its default.</summary>
internal sealed class DefaultPipelineSeed(PipelineService pipelines) : ITenantSeed
{
    public Task SeedAsync(WriteContext context, CancellationToken cancellationToken) => pipelines.EnsureDefaultAsync(context, cancellationToken);
}
