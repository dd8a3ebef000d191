using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Records;

/// <summary>
/// What a record type's feature provides to the shared CRUD, list, search and batch endpoints:
/// its store and its own write rules. Reads are the same for every type. Its writes assume the caller's
/// permissions, scope, field rules and the tenant's configuration were checked: they are reached through
/// <see cref="RecordWriter{T, TCreate, TService}"/>, which checks them, by endpoints and background work alike.
/// </summary>
public interface IRecordService<T, TCreate> where T : RecordBase
{
    /// <summary>The editable view a PATCH merges into (what its merge patch may name), for the OpenAPI document.</summary>
    static abstract Type Changes { get; }

    RecordStore<T> Store { get; }

    Task<T> CreateAsync(Caller caller, TCreate input, CancellationToken cancellationToken);

    Task<T> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken);

    Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken);
}
