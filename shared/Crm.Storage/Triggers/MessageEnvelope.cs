using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Storage.Triggers;

/// <summary>
/// What goes on the wire: <c>{ "type", "idempotencyKey", "dueAt", "body" }</c>. The type lets a
/// listener refuse a message meant for someone else; dueAt survives hops past the 7-day limit.
/// </summary>
internal sealed record MessageEnvelope(string Type, string IdempotencyKey, DateTimeOffset DueAt, JsonElement Body)
{
    /// <summary>Bodies are the features' own records, so they go through reflection with web defaults.</summary>
    internal static readonly JsonSerializerOptions BodyOptions = new(JsonSerializerDefaults.Web);

    public static string TypeName(Type messageType) => messageType.Name;

    public static MessageEnvelope Wrap<TMessage>(TMessage message, DateTimeOffset dueAt) where TMessage : IQueueMessage =>
        new(TypeName(typeof(TMessage)), message.IdempotencyKey, dueAt.ToUniversalTime(),
            JsonSerializer.SerializeToElement(message, BodyOptions));

    public BinaryData ToBinaryData() =>
        BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(this, EnvelopeJsonContext.Default.MessageEnvelope));

    public static bool TryParse(BinaryData data, [NotNullWhen(true)] out MessageEnvelope? envelope, [NotNullWhen(false)] out string? error)
    {
        envelope = null;
        try
        {
            var parsed = JsonSerializer.Deserialize(data.ToMemory().Span, EnvelopeJsonContext.Default.MessageEnvelope);
            // Missing members come back as defaults rather than errors, so check what we rely on.
            if (parsed is null || string.IsNullOrEmpty(parsed.Type) || parsed.Body.ValueKind != JsonValueKind.Object)
            {
                error = "not a message envelope (type and body object are required)";
                return false;
            }
            envelope = parsed;
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = "not JSON: " + ex.Message;
            return false;
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MessageEnvelope))]
internal sealed partial class EnvelopeJsonContext : JsonSerializerContext;
