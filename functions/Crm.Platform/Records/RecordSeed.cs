using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Platform.Records;

/// <summary>
/// How a feature that creates a record on behalf of another (a lead conversion) presets it: an id reserved
/// beforehand, so a retry after a crash finds the record instead of making a second one; the business
/// action the write belongs to (see <see cref="Activities"/>); and the links it carries back.
/// </summary>
public sealed record RecordSeed<T>(string Id, string? Activity, Func<T, T> Mark) where T : RecordBase
{
    public T Apply(T record) => Mark(record) with { Id = Id };

    public WriteContext Write(WriteContext context) => Activity is null ? context : context.As(Activity);
}
