using System.Net;
using System.Text;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Collaboration;

/// <summary>
/// Issue 14's creates given hostile bodies (malformed JSON, lone surrogates, wrong types, 100,000-character strings,
/// 10,000-item arrays): each answers a problem+json 4xx and stores nothing.
/// </summary>
public sealed class CollaborationHostileInputTests(CrmApp app) : IClassFixture<CrmApp>
{
    public static TheoryData<string> Routes => new()
    {
        "/api/v1/webhook-subscriptions", "/api/v1/tasks", "/api/v1/calendar-events", "/api/v1/tags", "/api/v1/bookmarks", "/api/v1/announcements",
        "/api/v1/message-threads", "/api/v1/document-folders", "/api/v1/attachments/uploads",
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task HostileBodiesAnswer4xxProblemsAndStoreNothing(string route)
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var big = new string('x', 100_000);
        var many = "[" + string.Join(",", Enumerable.Repeat("\"01aaaaaaaaaaaaaaaaaaaaaaaa\"", 10_000)) + "]";
        string[] fields = ["url", "title", "name", "subject", "body", "description", "content", "fileName", "relatedType", "relatedId", "recordType", "recordId"];
        string Each(string value) => string.Join(",", fields.Select(f => $"\"{f}\":{value}"));
        string[] bodies =
        [
            "{\"title\":",
            "{" + Each("\"\\ud800\"") + ",\"eventTypes\":[\"\\ud800\"],\"recipientIds\":[\"\\ud800\"]}",
            "{" + Each("42") + ",\"eventTypes\":\"all\",\"recipientIds\":7,\"participantIds\":{},\"start\":true,\"dueAt\":[]}",
            "{" + Each($"\"{big}\"") + ",\"eventTypes\":[\"" + big + "\"]}",
            "{\"url\":\"https://partner.example.com/hook\",\"title\":\"T\",\"name\":\"N\",\"subject\":\"S\",\"body\":\"B\",\"eventTypes\":" + many
                + ",\"recipientIds\":" + many + ",\"participantIds\":" + many + ",\"labels\":" + many + "}",
            "[]",
        ];
        foreach (var body in bodies)
        {
            var response = await admin.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"));
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{route} answered {status} to a {body.Length}-character body: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var list = await admin.GetAsync(route);
        if (list.StatusCode == HttpStatusCode.OK)
        {
            Assert.Empty((await list.ExpectAsync(HttpStatusCode.OK)).Items());
        }
    }
}
