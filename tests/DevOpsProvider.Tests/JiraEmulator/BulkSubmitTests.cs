using System.Net;
using System.Text.Json.Nodes;
using DevOpsProvider.JiraEmulator;

namespace DevOpsProvider.Tests.JiraEmulator;

public sealed class BulkSubmitTests : IAsyncLifetime
{
    private EmulatorTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await EmulatorTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Submit_AValidComponent_Returns202AndStoresItAsSent()
    {
        var component = Components.Valid("111-222-333", 1523494301448);

        var response = await _bed.SubmitAsync(component);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = await EmulatorTestBed.JsonAsync(response);
        Assert.Equal(["111-222-333"], json["acceptedComponents"]!.AsArray().Select(n => (string)n!));
        Assert.Empty(json["failedComponents"]!.AsObject());
        Assert.Empty(json["unknownProjectKeys"]!.AsArray());
        var stored = _bed.Site.GetComponent("111-222-333");
        Assert.NotNull(stored);
        Assert.True(JsonNode.DeepEquals(component, stored.Component));
        Assert.Equal(1523494301448, stored.UpdateSequenceNumber);
    }

    [Fact]
    public async Task Submit_1000Components_AreAllAccepted()
    {
        var response = await _bed.SubmitAsync([.. Enumerable.Range(0, 1000).Select(i => Components.Valid($"c-{i}"))]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1000, (await EmulatorTestBed.JsonAsync(response))["acceptedComponents"]!.AsArray().Count);
        Assert.Equal(1000, _bed.Site.Components.Count);
    }

    [Fact]
    public async Task Submit_1001Components_Returns400AndStoresNone()
    {
        var response = await _bed.SubmitAsync([.. Enumerable.Range(0, 1001).Select(i => Components.Valid($"c-{i}"))]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1000", (string)(await EmulatorTestBed.JsonAsync(response))[0]!["message"]!, StringComparison.Ordinal);
        Assert.Empty(_bed.Site.Components);
    }

    [Fact]
    public async Task Submit_NoComponents_Returns400()
        => await AssertBadRequestAsync("""{"components":[]}""", "components");

    [Theory]
    [InlineData("not json", "JSON")]
    [InlineData("[]", "object")]
    [InlineData("""{"properties":{}}""", "components")]
    [InlineData("""{"components":{}}""", "components")]
    [InlineData("""{"components":[],"devopsComponents":[]}""", "devopsComponents")]
    [InlineData("""{"components":[1],"extra":true}""", "extra")]
    [InlineData("""{"components":[1],"providerMetadata":{"product":5}}""", "providerMetadata.product")]
    [InlineData("""{"components":[1],"components":[2]}""", "JSON")]
    public async Task Submit_AMalformedBody_Returns400NamingTheProblem(string body, string named)
        => await AssertBadRequestAsync(body, named);

    [Theory]
    [InlineData("""{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6"}""", "properties")]
    [InlineData("""{"a:b":"1"}""", "properties.a:b")]
    [InlineData("""{"_hidden":"1"}""", "properties._hidden")]
    [InlineData("""{"n":5}""", "properties.n")]
    public async Task Submit_WithBadProperties_Returns400NamingTheProperty(string properties, string named)
    {
        var body = Components.Submission([Components.Valid("c-1")], JsonNode.Parse(properties)!.AsObject());
        await AssertBadRequestAsync(body.ToJsonString(), named);
    }

    [Fact]
    public async Task Submit_WithAPropertyValueOf256Characters_Returns400()
    {
        var body = Components.Submission([Components.Valid("c-1")], new JsonObject { ["k"] = new string('v', 256) });
        await AssertBadRequestAsync(body.ToJsonString(), "properties.k");
    }

    [Fact]
    public async Task Submit_WithFiveValidProperties_StoresThemWithEachComponent()
    {
        var properties = new JsonObject { ["a"] = "1", ["b"] = "2", ["c"] = "3", ["d"] = "4", ["e"] = new string('v', 255) };
        var body = Components.Submission([Components.Valid("c-1"), Components.Valid("c-2")], properties);

        Assert.Equal(HttpStatusCode.Accepted, (await _bed.SendAsync(HttpMethod.Post, EmulatorTestBed.Bulk, body.ToJsonString())).StatusCode);

        Assert.All(_bed.Site.Components, c => Assert.Equal(5, c.Properties.Count));
        Assert.Equal("1", _bed.Site.GetComponent("c-2")!.Properties["a"]);
    }

    [Fact]
    public async Task Submit_AboveMaxPayloadBytes_Returns413()
    {
        await using var bed = await EmulatorTestBed.StartAsync(new EmulatorOptions { MaxPayloadBytes = 10_000 });
        var body = Components.Submission(Enumerable.Range(0, 40).Select(i => Components.Valid($"c-{i}"))).ToJsonString();
        Assert.True(body.Length > 10_000);

        var response = await bed.SendAsync(HttpMethod.Post, EmulatorTestBed.Bulk, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(bed.Site.Components);
    }

    [Fact]
    public async Task Submit_AboveMaxPayloadBytesWithoutContentLength_Returns413()
    {
        await using var bed = await EmulatorTestBed.StartAsync(new EmulatorOptions { MaxPayloadBytes = 10_000 });
        var body = Components.Submission(Enumerable.Range(0, 40).Select(i => Components.Valid($"c-{i}"))).ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, bed.Site.BaseUrl + EmulatorTestBed.Bulk)
        {
            // A streamed body goes out chunked: the limit must hold while reading, not only on Content-Length.
            Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body))),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new("JWT", bed.Token(HttpMethod.Post, EmulatorTestBed.Bulk));

        var response = await bed.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(bed.Site.Components);
    }

    [Fact]
    public async Task Submit_JustUnderMaxPayloadBytes_Returns202()
    {
        await using var bed = await EmulatorTestBed.StartAsync(new EmulatorOptions { MaxPayloadBytes = 10_000 });
        var body = Components.Submission(Enumerable.Range(0, 5).Select(i => Components.Valid($"c-{i}"))).ToJsonString();
        Assert.True(body.Length < 10_000);

        Assert.Equal(HttpStatusCode.Accepted, (await bed.SendAsync(HttpMethod.Post, EmulatorTestBed.Bulk, body)).StatusCode);
    }

    [Fact]
    public async Task Submit_TheCurrentWireFormWithDevopsComponents_IsAccepted()
    {
        var body = Components.Submission([Components.Valid("c-1")], arrayName: "devopsComponents");

        var response = await _bed.SendAsync(HttpMethod.Post, EmulatorTestBed.Bulk, body.ToJsonString());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(_bed.Site.GetComponent("c-1"));
    }

    [Fact]
    public async Task Submit_OlderOrEqualUpdateSequenceNumber_IsIgnoredButReportedAccepted()
    {
        await _bed.SubmitAsync(Components.Valid("c-1", 100, name: "v100"));

        var older = await EmulatorTestBed.JsonAsync(await _bed.SubmitAsync(Components.Valid("c-1", 99, name: "v99")));
        var equal = await EmulatorTestBed.JsonAsync(await _bed.SubmitAsync(Components.Valid("c-1", 100, name: "v100-again")));

        Assert.Equal("c-1", (string?)older["acceptedComponents"]![0]);
        Assert.Empty(older["failedComponents"]!.AsObject());
        Assert.Equal("c-1", (string?)equal["acceptedComponents"]![0]);
        Assert.Equal("v100", (string?)_bed.Site.GetComponent("c-1")!.Component["name"]);

        await _bed.SubmitAsync(Components.Valid("c-1", 101, name: "v101"));
        Assert.Equal("v101", (string?)_bed.Site.GetComponent("c-1")!.Component["name"]);
        Assert.Equal(101, _bed.Site.GetComponent("c-1")!.UpdateSequenceNumber);
    }

    [Fact]
    public async Task Submit_TheSameIdTwiceInOneRequest_KeepsTheHigherSequenceNumber()
    {
        await _bed.SubmitAsync(Components.Valid("c-1", 7, name: "seven"), Components.Valid("c-1", 5, name: "five"));

        Assert.Equal("seven", (string?)_bed.Site.GetComponent("c-1")!.Component["name"]);
    }

    private async Task AssertBadRequestAsync(string body, string named)
    {
        var response = await _bed.SendAsync(HttpMethod.Post, EmulatorTestBed.Bulk, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var messages = (await EmulatorTestBed.JsonAsync(response)).AsArray();
        Assert.Contains(named, (string)Assert.Single(messages)!["message"]!, StringComparison.Ordinal);
        Assert.Empty(_bed.Site.Components);
    }
}
