using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Platform.Dictionaries;

/// <summary>
/// The tenants' dictionary items as every validated write reads them: read whole and kept while they
/// have not changed (<see cref="StampedCache{TValue}"/>). A tenant provisioned before dictionaries
/// existed gets its defaults the first time they are read, by the same idempotent seeding.
/// </summary>
public sealed class DictionaryDirectory(RecordStore<DictionaryItem> store, IEnumerable<DictionaryDefinition> declared, TimeProvider clock) : ITenantSeed
{
    /// <summary>The dictionaries the modules declared (<see cref="DictionaryRegistration.AddDictionaries"/>), in declaration order.</summary>
    public IReadOnlyList<DictionaryDefinition> Definitions { get; } = [.. declared.DistinctBy(d => d.Name)];

    /// <summary>The dictionary, or 404 <c>dictionary.not_found</c> for one this service does not have.</summary>
    public DictionaryDefinition Definition(string name) => Definitions.FirstOrDefault(d => d.Name == name) ?? throw new NotFoundException("dictionary", name);

    /// <summary>Adds the default items a tenant provisioned before dictionaries existed lacks, on its first read.</summary>
    public static readonly BackgroundActor Actor = BackgroundActor.Granted("dictionaries", DataScope.Self, Permissions.SettingsManage);

    private readonly StampedCache<IReadOnlyList<DictionaryItem>> _items = new(
        async (tenantId, ct) => await store.AllAsync(tenantId, ct).ToListAsync(ct), store.ChangeStampAsync, clock);

    public RecordStore<DictionaryItem> Store => store;

    /// <summary>Every item of every dictionary of the tenant (a few hundred at most).</summary>
    public async Task<IReadOnlyList<DictionaryItem>> AllAsync(string tenantId, CancellationToken cancellationToken)
    {
        var items = await _items.GetAsync(tenantId, cancellationToken);
        if (items.Count == 0)
        {
            // Items are never deleted, so none at all means this tenant was never seeded.
            await SeedAsync(Actor.Write(tenantId, clock.GetUtcNow()), cancellationToken);
            items = await _items.GetAsync(tenantId, cancellationToken);
        }
        return items;
    }

    /// <summary>One dictionary's items in picker order: sort order, then label.</summary>
    public async Task<IReadOnlyList<DictionaryItem>> ItemsAsync(string tenantId, string dictionary, CancellationToken cancellationToken) =>
        [.. (await AllAsync(tenantId, cancellationToken)).Where(i => i.Dictionary == dictionary)
            .OrderBy(i => i.SortOrder).ThenBy(i => i.Label, StringComparer.Ordinal).ThenBy(i => i.Value, StringComparer.Ordinal)];

    /// <summary>Creates the default items the tenant lacks, written as <paramref name="context"/>'s actor; run at provisioning and safe to run again.</summary>
    public async Task SeedAsync(WriteContext context, CancellationToken cancellationToken)
    {
        var tenantId = context.TenantId;
        var existing = await store.AllAsync(tenantId, cancellationToken).Select(i => DictionaryItemRecordType.KeyOf(i.Dictionary, i.Value)).ToHashSetAsync(cancellationToken: cancellationToken);
        var missing = Definitions.SelectMany(DataDictionaries.Seed).Where(i => !existing.Contains(DictionaryItemRecordType.KeyOf(i.Dictionary, i.Value))).ToList();
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            try
            {
                await store.CreateAsync(context, item, cancellationToken: ct);
            }
            catch (Crm.Domain.Common.ConflictException)
            {
                // Another replica seeded the same item at the same moment: the item exists, as wanted.
            }
        });
        Changed(tenantId);
    }

    public void Changed(string tenantId) => _items.Invalidate(tenantId);
}

public static class DictionaryRegistration
{
    /// <summary>Declares data dictionaries a module uses: listed, editable per tenant, seeded with their defaults.</summary>
    public static IServiceCollection AddDictionaries(this IServiceCollection services, IEnumerable<DictionaryDefinition> dictionaries)
    {
        foreach (var dictionary in dictionaries)
        {
            services.AddSingleton(dictionary);
        }
        return services;
    }
}
