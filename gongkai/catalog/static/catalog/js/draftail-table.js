/*
 * Draftail plugin for the TABLE entity of record bodies (catalog/rich_text.py).
 * A Word-imported table travels through the editor as one read-only block: editors can
 * move or delete it, not change its cells. The toolbar button inserts nothing; a
 * table comes from a Word import.
 */
(function () {
  "use strict";
  const React = window.React;
  const h = React.createElement;

  function TableSource(props) {
    React.useEffect(function () {
      props.onClose();
    }, []);
    return null;
  }

  function TableBlock(props) {
    const blockProps = props.blockProps;
    const data = blockProps.entity.getData();
    return h(
      "div",
      { className: "gongkai-table-block", contentEditable: false, style: {
        border: "1px dashed #777", padding: "0.5rem 0.75rem", margin: "0.5rem 0",
        background: "#f6f7f8",
      } },
      h("span", { "aria-hidden": "true" }, "▦ "),
      data.preview || "",
      " ",
      h(
        "button",
        {
          type: "button",
          className: "button button-small button-secondary",
          "aria-label": (blockProps.entityType && blockProps.entityType.removeLabel) || "×",
          title: (blockProps.entityType && blockProps.entityType.removeLabel) || "",
          onClick: function () {
            blockProps.onRemoveEntity();
          },
        },
        "×"
      )
    );
  }

  window.draftail.registerPlugin(
    { type: "TABLE", source: TableSource, block: TableBlock },
    "entityTypes"
  );
})();
