using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.ApiTests.Infrastructure;
using Crm.DeployTests.Infrastructure;

namespace Crm.ApiTests.Docs;

/// <summary>
/// docs/api.http, the walk through the main flows, runs as written: every request in order against a fresh
/// tenant, each answering 2xx, with the references between requests resolved as REST Client resolves them.
/// </summary>
public sealed partial class ApiHttpFileTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task EveryRequestOfTheWalkThroughSucceedsInOrder()
    {
        var requests = HttpFile.Parse(Repo.Read("docs", "api.http"), out var variables);
        Assert.True(requests.Count >= 15, $"only {requests.Count} requests");
        var tenant = await app.NewTenantAsync();
        variables["tenant"] = tenant.Slug;
        variables["login"] = "admin@" + tenant.Slug + ".test";
        variables["password"] = "Admin-Password-1";
        var client = app.CreateClient();
        var answers = new Dictionary<string, (JsonElement Body, HttpResponseMessage Response)>(StringComparer.Ordinal);

        foreach (var request in requests)
        {
            var (status, text, response) = await SendAsync(client, request, variables, answers);
            // A download asked for before its job has finished says so; the file says to send it again.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (status == HttpStatusCode.Conflict && text.Contains("export.not_ready", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                (status, text, response) = await SendAsync(client, request, variables, answers);
            }
            Assert.True((int)status is >= 200 and < 300, $"{request.Title}\n{request.Method} {request.Url}\n{(int)status} {text}");
            if (request.Name is { } name)
            {
                answers[name] = (text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default, response);
            }
        }
    }

    private static async Task<(HttpStatusCode, string, HttpResponseMessage)> SendAsync(HttpClient client, HttpFile.Request request,
        Dictionary<string, string> variables, Dictionary<string, (JsonElement Body, HttpResponseMessage Response)> answers)
    {
        string Resolve(string text) => Reference().Replace(text, m => Value(m.Groups[1].Value.Trim(), variables, answers, request));
        // The file's @base is the local service; the test server answers relative URLs.
        var url = Resolve(request.Url);
        url = url.StartsWith("http", StringComparison.Ordinal) ? new Uri(url).PathAndQuery : url;
        var message = new HttpRequestMessage(new HttpMethod(request.Method), url);
        string? contentType = null;
        foreach (var (header, value) in request.Headers)
        {
            if (header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = Resolve(value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(header, Resolve(value));
            }
        }
        if (request.Body.Length > 0)
        {
            message.Content = new StringContent(Resolve(request.Body), Encoding.UTF8);
            message.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType ?? "application/json");
        }
        var response = await client.SendAsync(message);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>A variable, a system variable, or a value of an earlier named response's body or headers.</summary>
    private static string Value(string reference, Dictionary<string, string> variables, Dictionary<string, (JsonElement Body, HttpResponseMessage Response)> answers,
        HttpFile.Request request)
    {
        switch (reference)
        {
            case "$guid":
                return Guid.NewGuid().ToString();
            case "$timestamp":
                return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (variables.TryGetValue(reference, out var variable))
        {
            return Reference().Replace(variable, m => Value(m.Groups[1].Value.Trim(), variables, answers, request));
        }
        var parts = reference.Split('.', 4);
        Assert.True(parts.Length >= 4 && parts[1] == "response" && answers.ContainsKey(parts[0]), $"{request.Title}: unknown reference {{{{{reference}}}}}");
        var (body, response) = answers[parts[0]];
        if (parts[2] == "headers")
        {
            var values = response.Headers.TryGetValues(parts[3], out var found) ? found : response.Content.Headers.TryGetValues(parts[3], out var content) ? content : null;
            Assert.True(values is not null, $"{request.Title}: {parts[0]} has no header {parts[3]}");
            return string.Join(",", values);
        }
        Assert.True(parts[2] == "body" && parts[3].StartsWith("$.", StringComparison.Ordinal), $"{request.Title}: unsupported reference {reference}");
        var node = body;
        foreach (var step in parts[3][2..].Split('.'))
        {
            Assert.True(node.ValueKind == JsonValueKind.Object && node.TryGetProperty(step, out node), $"{request.Title}: {parts[0]}'s body has no {parts[3]}");
        }
        return node.ValueKind == JsonValueKind.String ? node.GetString()! : node.GetRawText();
    }

    [GeneratedRegex(@"\{\{([^{}]+)\}\}")]
    private static partial Regex Reference();
}

/// <summary>The subset of the .http format docs/api.http uses: file variables, ### separated requests, # @name.</summary>
internal static class HttpFile
{
    public sealed record Request(string Title, string? Name, string Method, string Url, IReadOnlyList<(string Name, string Value)> Headers, string Body);

    public static List<Request> Parse(string text, out Dictionary<string, string> variables)
    {
        variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var requests = new List<Request>();
        var blocks = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n###");
        foreach (var variable in blocks[0].Split('\n').Where(l => l.StartsWith('@')))
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            variables[variable[1..equals].Trim()] = variable[(equals + 1)..].Trim();
        }
        foreach (var block in blocks.Skip(1))
        {
            var lines = block.Split('\n');
            var title = lines[0].Trim();
            string? name = null;
            var i = 1;
            for (; i < lines.Length && (lines[i].StartsWith('#') || lines[i].StartsWith("//", StringComparison.Ordinal) || lines[i].Trim().Length == 0); i++)
            {
                if (lines[i].StartsWith("# @name ", StringComparison.Ordinal))
                {
                    name = lines[i]["# @name ".Length..].Trim();
                }
            }
            var requestLine = lines[i++].Split(' ', 3);
            var headers = new List<(string, string)>();
            for (; i < lines.Length && lines[i].Trim().Length > 0; i++)
            {
                var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
                headers.Add((lines[i][..colon].Trim(), lines[i][(colon + 1)..].Trim()));
            }
            var body = string.Join('\n', lines.Skip(i)).Trim();
            requests.Add(new Request(title, name, requestLine[0], requestLine[1], headers, body));
        }
        return requests;
    }
}
