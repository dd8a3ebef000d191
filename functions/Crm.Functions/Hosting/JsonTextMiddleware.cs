using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Crm.Domain.Common;

namespace Crm.Functions.Hosting;

/// <summary>
/// Refuses a JSON body whose strings are not valid Unicode text (invalid UTF-8 bytes, or an escape of a
/// lone surrogate such as <c>"\ud800"</c>) with a 400 naming the field, before any handler reads it.
/// Typed binding refuses them already, but a body read as a JSON tree (merge patches, batch inputs,
/// custom-field values, nested patches) only decodes its strings later, where the error surfaced as a
/// 500 or was silently stored as U+FFFD. Checking the bytes once here covers every route alike.
/// </summary>
internal sealed class JsonTextMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HasJsonBody(context.Request))
        {
            await next(context);
            return;
        }
        context.Request.EnableBuffering();
        var body = await ReadAsync(context.Request.Body, context.RequestAborted);
        context.Request.Body.Position = 0;
        if (FirstInvalidString(body) is { } field)
        {
            throw new ValidationException(field, "Not valid Unicode text: invalid UTF-8 bytes or an unpaired surrogate escape.");
        }
        await next(context);
    }

    private static bool HasJsonBody(HttpRequest request) =>
        request.ContentLength != 0 && request.ContentType is { } type
        && (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Split(';', 2)[0].Trim().EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static async Task<byte[]> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>
    /// The path of the first string (member name or value) that does not decode, in the form field errors use
    /// (<c>inputs[0].patch.name</c>); null when every string decodes. Malformed JSON is left to the binder, which
    /// explains it the same way for every route.
    /// </summary>
    public static string? FirstInvalidString(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var path = new JsonPath();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        path.Enter(reader.TokenType == JsonTokenType.StartArray);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.Leave();
                        break;
                    case JsonTokenType.PropertyName when !Decodes(ref reader):
                        return path.WithMember("(name)");
                    case JsonTokenType.PropertyName:
                        path.Member(reader.GetString()!);
                        break;
                    case JsonTokenType.String when !Decodes(ref reader):
                        return path.Current();
                    default:
                        path.ValueDone();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: the binder answers with its own message.
        }
        return null;
    }

    private static bool Decodes(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            // The reader runs over one span, so the value is never a sequence.
            return Utf8.IsValid(reader.ValueSpan);
        }
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Where the reader is: member names and array indexes from the root down.</summary>
    private sealed class JsonPath
    {
        private readonly List<(bool IsArray, int Index, string? Member)> _frames = [];

        public void Enter(bool isArray)
        {
            _frames.Add((isArray, 0, null));
        }

        public void Leave()
        {
            _frames.RemoveAt(_frames.Count - 1);
            ValueDone();
        }

        public void Member(string name)
        {
            if (_frames.Count > 0)
            {
                _frames[^1] = _frames[^1] with { Member = name };
            }
        }

        /// <summary>A value in an array moves the array on to its next index.</summary>
        public void ValueDone()
        {
            if (_frames.Count > 0 && _frames[^1].IsArray)
            {
                _frames[^1] = _frames[^1] with { Index = _frames[^1].Index + 1 };
            }
        }

        public string WithMember(string name)
        {
            var at = Current();
            return at.Length == 0 ? name : $"{at}.{name}";
        }

        public string Current()
        {
            var text = new StringBuilder();
            foreach (var (isArray, index, member) in _frames)
            {
                if (isArray)
                {
                    text.Append('[').Append(index).Append(']');
                }
                else if (member is not null)
                {
                    if (text.Length > 0)
                    {
                        text.Append('.');
                    }
                    text.Append(member);
                }
            }
            return text.Length == 0 ? "$" : text.ToString();
        }
    }
}
