using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Crm.ApiTests.Infrastructure;

/// <summary>Short ways to make the records a test needs, through the API like any client.</summary>
public static class Api
{
    public const string StaffPassword = "Staff-Password-1";

    /// <summary>The configuration every tenant starts with: the default dictionary items, the default pipeline and the default warehouse.</summary>
    public static readonly int SeededConfigurationRecords = Crm.Domain.Configuration.DataDictionaries.Sales.Sum(d => d.Defaults.Count) + 2;

    /// <summary>The record types of <see cref="SeededConfigurationRecords"/>.</summary>
    public static bool IsSeededConfiguration(string? recordType) => recordType is "dictionaryItem" or "pipeline" or "warehouse";

    public static async Task<JsonElement> CreateDepartmentAsync(this TestTenant tenant, string name, string? parentId = null, int sortOrder = 0, string? description = null) =>
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name, parentId, sortOrder, description })).ExpectAsync(HttpStatusCode.Created);

    public static async Task<JsonElement> CreateUserAsync(this TestTenant tenant, string? login = null, string? name = null, string? departmentId = null,
        string? superiorId = null, string? email = null, string? phone = null, string password = StaffPassword)
    {
        login ??= "u" + Guid.NewGuid().ToString("N")[..10] + "@staff.test";
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login, password, name = name ?? "Staff " + login, departmentId, superiorId, email, phone });
        return await response.ExpectAsync(HttpStatusCode.Created);
    }

    /// <summary>Defines a custom field on a record type, so records may hold values under its key.</summary>
    public static async Task<JsonElement> DefineCustomFieldAsync(this TestTenant tenant, string entityType, string key, string type, object? more = null)
    {
        var body = JsonSerializer.SerializeToNode(more ?? new { })!.AsObject();
        body["key"] = key;
        body["label"] = key;
        body["type"] = type;
        return await (await tenant.Admin.PostAsJsonAsync($"/api/v1/custom-fields/{entityType}", body)).ExpectAsync(HttpStatusCode.Created);
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK) =>
        await (await client.GetAsync(url)).ExpectAsync(expected);

    public static async Task<JsonElement> PostJsonAsync(this HttpClient client, string url, object body, HttpStatusCode expected) =>
        await (await client.PostAsJsonAsync(url, body)).ExpectAsync(expected);

    /// <summary>A request with the given headers (not validated, so tests can send odd values).</summary>
    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, object? body = null,
        params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is string raw)
        {
            request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        foreach (var (name, value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content!.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return client.SendAsync(request);
    }

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;

    public static IReadOnlyList<JsonElement> Items(this JsonElement page) => page.GetProperty("items").EnumerateArray().ToList();

    public static IReadOnlyList<string> Ids(this JsonElement page) => page.Items().Select(i => i.Id()).ToList();

    public static string? NextCursor(this JsonElement page) =>
        page.TryGetProperty("nextCursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;

    /// <summary>Every page of a list, following nextCursor (the url must already have a query string or not; both work).</summary>
    public static async Task<List<JsonElement>> ListAllAsync(this HttpClient client, string url)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        var separator = url.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        do
        {
            var page = await client.GetJsonAsync(cursor is null ? url : $"{url}{separator}cursor={Uri.EscapeDataString(cursor)}");
            all.AddRange(page.Items());
            cursor = page.NextCursor();
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>The field names a validation problem complains about.</summary>
    public static IReadOnlyCollection<string> ErrorFields(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? errors.EnumerateObject().Select(p => p.Name).ToList()
            : [];

    public static string Stamp() => Guid.NewGuid().ToString("N")[..8];
}
